"""Discussions: threads between a customer account's contacts and the vendor's staff.

A thread concerns one customer account and may be about one of a plugin's records (a
:class:`core.RecordType` key and id). Staff may mark a thread internal; it then never reaches
a customer contact. Plugins show the threads about a record with :func:`threads_for_record`
and the macro in ``core/discussions/macros.html``.
"""
