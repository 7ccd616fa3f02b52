-- The outgoing documents that carry a dossier's result to other agencies, listed on the
-- dossier's page (exchange.Service.ResultSends).
CREATE INDEX exchange_outgoing_dossier ON exchange_outgoing (dossier_code, id) WHERE dossier_code <> '';
