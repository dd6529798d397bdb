-- The dashboard (issue 9): a business's newest transactions by arrival (the overview's live
-- list reads `id > last seen`), and one transaction's deliveries (its detail page).
CREATE INDEX transactions_business_id ON transactions(business_id, id);
CREATE INDEX deliveries_transaction ON deliveries(business_id, transaction_id);
