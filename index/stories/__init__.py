"""Stories: syndication clusters. The same story republished by other outlets (a rewritten headline, a
paragraph dropped or added, another byline) joins one cluster, so search and alerts can count it once.

``shingles`` turns a body into hashed word shingles, ``signature`` makes the MinHash and its LSH buckets,
``clusters`` keeps the assignments in the archive's own tables (portable SQL) and decides joins.
"""
