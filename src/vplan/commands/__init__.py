"""The work of each command, which ``cli.py`` calls once its options are read.

One module per command's work: ``schedule`` (a schedule on the screen or in a file),
``handout`` (the handout's options, and one patient's file), ``day`` (a day's list),
``answers`` (``check``, and an answer printed as text or JSON), ``rules`` (the rules
commands and the protocol's listings), ``given`` (the journal's ``record`` commands),
``serve`` (the page, started with the rules checked and the journal), with ``common`` what
they share (the rules in a language, the procedure date, today, now). A
patient's file is made with ``documents.make`` and written with ``delivery.deliver``; none
of these modules declares an option, and no module below them imports them.
"""
