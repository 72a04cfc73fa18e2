"""The home page of each role: what to do next, said in a sentence, with where to do it.

An organizer sees their festivals in progress (drafts to open, submissions coming in, rounds
to staff, score or close, awards to give and publish, a public notice running); a judge the
rounds to score with how many programs are left; a troupe leader what is still missing, the
festivals taking programs, each troupe's next session and the rolls to take; an administrator
the accounts and organisations still to set up. Everyone sees the published award lists (``public.queries.published_festivals``).

Each function costs a fixed number of queries, whatever the number of festivals, rounds,
programs, troupes or sessions.
"""
