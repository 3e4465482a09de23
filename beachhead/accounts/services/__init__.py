"""Services of the accounts pillar, split by aggregate.

- ``accounts``: create, change and delete accounts (with the valuation kept on the row).
- ``ltv``: the lifetime-value model and deal qualification.
- ``contacts``: people at an account, phone numbers, counterpart warnings.
- ``opportunities``: the stage pipeline and deals.
- ``deployments``: what customers run; deep users and their history.
- ``compliance``: what a deal needs that the company does not hold yet.
- ``plan``: the named-account plan and its coverage.

Only these functions write the pillar's models; pages, the API, commands and the demo call them.
"""
