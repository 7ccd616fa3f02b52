-- Issue 12: what the applicant sees. A note written with a decision is internal between
-- units unless its author marks it public (or the decision addresses it to the applicant
-- by its nature: a refusal's reason, a supplement request, a stop, an apology; see
-- motcua.EventKind.NoteForApplicant). Notes recorded before this migration stay internal.
ALTER TABLE dossier_events ADD COLUMN note_public boolean NOT NULL DEFAULT false;
