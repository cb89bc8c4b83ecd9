"""Reviewing a change to the encoding: what changed between two versions and which outcomes move."""
