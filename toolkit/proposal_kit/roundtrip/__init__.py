"""The Word round trip: partners' edits back into the project, an old Part B into a new one.

`absorb` brings the edits back (see :mod:`.absorb`); `import` makes a project of an
existing Part B (see :mod:`.importer`).
"""
