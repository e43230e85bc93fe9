"""The plan document importer: plain Python, no database.

``decode_document`` turns the bytes of a `.txt` or `.docx` into text; ``parse_plan`` turns the
text into a :class:`ParsedPlan`; the database layer (`plans.services`) resolves its agency names
and writes it.
"""
