"""Learning together: hubs (regional, thematic, linguistic) and cohorts (workshops, study groups).

A cohort has leads, a short join code and members who agreed to what the leads see; a hub
groups cohorts and shows its coordinators aggregates only. This package owns its tables
(``models``); it reads what members did through ``course.learning.services`` and their badges
through ``course.badges.services``.
"""
