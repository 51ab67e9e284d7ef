"""The clinic's tools for writing a protocol: lint a rules file, compare two versions.

Imported only by the ``rules`` commands that use them, never by ``check`` or ``schedule``.
"""
