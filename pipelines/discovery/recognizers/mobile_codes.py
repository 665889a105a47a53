"""Mobile country codes (ITU-T E.212), the first three digits of an IMSI or a cell id; and the
reporting bodies (GSMA) whose two-digit identifier opens every IMEI's type allocation code.

The set lists the geographic MCCs in use (2xx Europe, 3xx North America and the Caribbean,
4xx Asia, 5xx Oceania and South-East Asia, 6xx Africa, 7xx Central and South America) plus
901, the shared international code many global IoT SIMs are issued under. Test (001) and
private-network (999) codes are left out: a value starting with them is not a real subscriber.
"""

from __future__ import annotations

_EUROPE = (
    "202 204 206 208 212 213 214 216 218 219 220 221 222 225 226 228 230 231 232 234 235 238 240 "
    "242 244 246 247 248 250 255 257 259 260 262 266 268 270 272 274 276 278 280 282 283 284 286 "
    "288 289 290 292 293 294 295 297"
)
_NORTH_AMERICA = (
    "302 308 310 311 312 313 314 315 316 330 332 334 338 340 342 344 346 348 350 352 354 356 358 "
    "360 362 363 364 365 366 368 370 372 374 376"
)
_ASIA = (
    "400 401 402 404 405 406 410 412 413 414 415 416 417 418 419 420 421 422 424 425 426 427 428 "
    "429 430 431 432 434 436 437 438 440 441 450 452 454 455 456 457 460 461 466 467 470 472"
)
_OCEANIA = (
    "502 505 510 514 515 520 525 528 530 536 537 539 540 541 542 543 544 545 546 547 548 549 550 "
    "551 552 553 554 555"
)
_AFRICA = (
    "602 603 604 605 606 607 608 609 610 611 612 613 614 615 616 617 618 619 620 621 622 623 624 "
    "625 626 627 628 629 630 631 632 633 634 635 636 637 638 639 640 641 642 643 645 646 647 648 "
    "649 650 651 652 653 654 655 657 658 659"
)
_LATIN_AMERICA = "702 704 706 708 710 712 714 716 722 724 730 732 734 736 738 740 742 744 746 748 750"
_INTERNATIONAL = "901"

MOBILE_COUNTRY_CODES: frozenset[str] = frozenset(
    " ".join((_EUROPE, _NORTH_AMERICA, _ASIA, _OCEANIA, _AFRICA, _LATIN_AMERICA, _INTERNATIONAL)).split()
)

# Reporting Body Identifiers that allocate TACs: PTCRB (01), BABT (35, 44, 98), TAF China (86), ...
IMEI_REPORTING_BODIES: frozenset[str] = frozenset(
    ["01", "10", "30", "33", "35", "44", "45", "49", "50", "51", "52", "53", "54", "86", "91", "98", "99"]
)
