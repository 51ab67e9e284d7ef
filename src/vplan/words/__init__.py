"""The words vplan puts around the protocol's texts, by who reads them, one language at a time.

``patient.py`` holds the patient's words (the handout, the phone calendar), ``nurse.py`` the
nurse's (the schedule, ``check``'s answer, the rules on the terminal), ``common.py`` what
both read (the plan's limits, events, visit and orders); the dates are in ``vplan.dates``.
Each is an object made for one language: ``PatientWords("es").handout_title(protocol)``.
"""
