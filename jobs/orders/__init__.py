"""Order onboarding (PROCESS.md job 5): from `Order Received` in GoldMine to a HEAT customer, a
website login handed to Customer Support, a welcome letter (or packing note) and GoldMine history,
each step exactly once.

    job.run(ctx) -> RunSummary                  the `orders` poll (registry name "orders")
    job.sync_order(ctx, order) -> OrderResult   one order by OPID, PO number or Opportunity
    job.explain(ctx, order) -> list[dict]       step, state, at, effect, error per step
    job.retry(ctx, order, step=None) -> OrderResult

Modules: facts (what an order is about), steps (the five steps), sync (walking them through the
ledger), preview (the dry run), passwords, letters, texts (the editable words).
"""
