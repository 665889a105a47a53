"""Requests as cases: the ledger, the lifecycle, deadlines, verification, answers, notices, reports."""
