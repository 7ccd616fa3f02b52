-- The dossiers awaiting a signature by procedure version, due first: the signing queue
-- reads the versions present by a skip scan (Store.AwaitingProcedures) and then, for
-- each version its reader may sign, the first dossiers due (Store.AwaitingSignature).
CREATE INDEX dossiers_awaiting_signature_procedure_idx ON dossiers (procedure_code, procedure_version, due_at, id)
	WHERE status = 'awaiting_signature';
