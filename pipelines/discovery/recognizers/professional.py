"""A person's work: job titles, told by the words job titles are made of.

JOB_TITLE: a short whole value (at most seven words) with a job's head word (``Sales Manager``,
``IT Staff``, ``Senior Software Engineer``). Low score (0.3): a title alone is not evidence enough
(a film can be called ``The Manager``); a column name such as ``title`` or ``position`` decides.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from pipelines.discovery.recognizers.base import ValueRecognizer

JOB_WORDS = (
    "manager|director|engineer|developer|programmer|agent|assistant|associate|analyst|accountant|"
    "administrator|architect|clerk|consultant|coordinator|designer|executive|officer|president|"
    "vp|svp|evp|ceo|cfo|cto|coo|cio|ciso|founder|owner|partner|representative|rep|specialist|"
    "supervisor|technician|nurse|physician|doctor|surgeon|dentist|pharmacist|therapist|teacher|"
    "professor|lecturer|instructor|scientist|researcher|intern|trainee|staff|lead|head|chief|"
    "secretary|receptionist|cashier|driver|operator|mechanic|electrician|lawyer|attorney|paralegal|"
    "salesperson|salesman|saleswoman|buyer|planner|auditor|editor|writer|journalist|photographer|"
    "advisor|adviser|counselor|counsellor|worker|laborer|labourer|foreman|chef|cook|waiter|waitress|"
    "bartender|librarian|controller|treasurer|strategist|recruiter|banker|broker|underwriter|"
    "dispatcher|courier|guard|janitor|housekeeper|pilot|steward|stewardess|marketer|ambassador"
)
_WORD = r"[\w&/.,'()+-]+"


class JobTitleRecognizer(ValueRecognizer):
    """A job title, held as a whole value."""

    ENTITY = "JOB_TITLE"
    PATTERNS = (
        Pattern(
            "job title (whole value)",
            rf"^(?:{_WORD}\s+){{0,5}}(?:{JOB_WORDS})s?(?:\s+{_WORD}){{0,4}}$",
            0.3,
        ),
    )
    CONTEXT = ("title", "job", "position", "role", "occupation")

    def invalidate_result(self, pattern_text: str) -> bool:
        return len(pattern_text) > 80 or len(pattern_text.split()) > 7
