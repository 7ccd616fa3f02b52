-- Issue 12 (who may apply): an organization's dossiers belong to the organization. A
-- dossier filed by an organization's account, or by one of its authorized
-- representatives, records the organization (its account) it was filed for; the
-- organization's account and its current representatives read and follow it, the
-- representative who filed it is its applicant_id (who filed). The submission carries
-- it from the moment the applicant submits, so that a representation revoked before the
-- workflow records the dossier does not change whose dossier it is.
ALTER TABLE submissions ADD COLUMN organization_id bigint REFERENCES users(id);
ALTER TABLE dossiers ADD COLUMN organization_id bigint REFERENCES users(id);

-- Back-fill what can be known: a dossier whose applicant account is an organization's or
-- an agency's was filed for it; one whose applicant represents an organization now was
-- filed for that organization (a representative applies only as the organization it
-- represents: motcua.Actor.ApplicantKind). A representation revoked before this
-- migration left no trace, so such a dossier stays its filer's.
UPDATE submissions s SET organization_id = CASE WHEN a.applicant_kind IN ('organization', 'agency') THEN a.id ELSE a.represents END
    FROM users a WHERE a.id = s.applicant_id AND (a.applicant_kind IN ('organization', 'agency') OR a.represents IS NOT NULL);
UPDATE dossiers d SET organization_id = CASE WHEN a.applicant_kind IN ('organization', 'agency') THEN a.id ELSE a.represents END
    FROM users a WHERE a.id = d.applicant_id AND (a.applicant_kind IN ('organization', 'agency') OR a.represents IS NOT NULL);

-- "My dossiers" of an organization's people, newest first (Store.DossiersOfApplicant).
CREATE INDEX dossiers_organization_idx ON dossiers (organization_id, submitted_at DESC) WHERE organization_id IS NOT NULL;
