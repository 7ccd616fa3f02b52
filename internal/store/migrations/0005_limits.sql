-- Issue 11: unguessable verification IDs and bounded uploads.
--
-- A document's QR code and verification link used to name the dossier code, the
-- document's kind and its sequence, which anyone could enumerate. Each rendered document
-- (notices, the draft result whose QR the signed and sealed result keeps) now carries a
-- random ID of 128 bits. Documents issued before this migration keep no ID: their old
-- links were guessable by construction, so they no longer resolve; their holders verify
-- them by uploading the PDF, which needs no code.
ALTER TABLE documents ADD COLUMN verify_id text;
CREATE UNIQUE INDEX documents_verify_id_idx ON documents (verify_id) WHERE verify_id IS NOT NULL;

-- The upload quota sums a person's files not attached to a dossier, and the purge finds
-- those never attached.
CREATE INDEX files_unattached_idx ON files (owner_id, created_at) WHERE dossier_id IS NULL;
-- The purge deletes stored bytes only when no file or document points at them.
CREATE INDEX files_sha256_idx ON files (sha256);
CREATE INDEX documents_sha256_idx ON documents (sha256);

-- File names are shown and offered as download names: names stored before uploads were
-- cleaned lose their control, bidirectional and zero-width characters (U+202E showed
-- "fdp.exe" as "exe.pdf"). Uploads are cleaned by dossiers.FileName from now on.
UPDATE files SET name = regexp_replace(name,
    E'[\\x01-\\x1f\\x7f-\\x9f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]', '', 'g')
WHERE name ~ E'[\\x01-\\x1f\\x7f-\\x9f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]';
