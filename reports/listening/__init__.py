"""Listening to free text: language, sentiment, themes and personal data removed, offline and on CPU.

Everything here takes plain strings and returns values; nothing here reads or writes the database, so a
schedule, a management command and the reports can all call it.
"""
