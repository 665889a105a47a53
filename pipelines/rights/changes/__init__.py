"""Deletion and correction: planning, carrying out with a journal, suppression, verification, reports."""
