"""The work of each command, which ``cli.py`` calls once its options are read.

One module per command's work: ``schedule`` (a schedule on the screen or in a file),
``handout`` (one patient's handout), ``day`` (a day's list), ``given`` (the journal's
``record`` commands), ``answers`` (``check``), with ``common`` what they share (the rules
in a language, the procedure date, the time outputs are made at). Each makes documents
with ``documents.make`` and writes them with ``delivery.deliver``; none declares an option.
"""
