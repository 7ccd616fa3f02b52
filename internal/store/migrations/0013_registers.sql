-- The registers of outgoing and incoming documents (sổ đăng ký văn bản đi / đến,
-- Decree 30/2020 articles 15, 16, 22 and appendix IV). Numbers are allocated from
-- register_counters in the transaction that writes the register row, so a rolled-back
-- registration leaves no gap.

-- The last number given, per register, series and year (Vietnam time). Series '' is the
-- agency's one sequence; a separate series (secret documents, a council's own numbers,
-- Decree 30/2020 art. 15(2)) has its own name.
CREATE TABLE register_counters (
    register    text NOT NULL CHECK (register IN ('outgoing', 'incoming')),
    series      text NOT NULL DEFAULT '',
    year        integer NOT NULL,
    last_number integer NOT NULL CHECK (last_number > 0),
    PRIMARY KEY (register, series, year)
);

CREATE TABLE outgoing_register (
    id             bigserial PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,           -- the registering activity's key
    series         text NOT NULL DEFAULT '',
    year           integer NOT NULL,                -- Vietnam time
    number         integer NOT NULL CHECK (number > 0),
    symbol         text NOT NULL,                   -- ký hiệu: BNV-VP
    registered_at  timestamptz NOT NULL,
    issued_on      date NOT NULL,                   -- Vietnam date of the document
    type_name      text NOT NULL,                   -- tên loại: Công văn
    subject        text NOT NULL,                   -- trích yếu
    signer         text NOT NULL DEFAULT '',
    recipients     text NOT NULL DEFAULT '',        -- nơi nhận
    copies         integer NOT NULL DEFAULT 1,      -- số lượng bản
    attachments    integer NOT NULL DEFAULT 0,
    document_id    text NOT NULL UNIQUE,            -- edXML DocumentId
    status         text NOT NULL DEFAULT 'registered',
    note           text NOT NULL DEFAULT '',
    UNIQUE (series, year, number),
    UNIQUE (year, number, symbol)                   -- số + ký hiệu unique within a year (art. 15(1))
);
CREATE INDEX outgoing_register_year ON outgoing_register (year, number);

CREATE TABLE incoming_register (
    id              bigserial PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    year            integer NOT NULL,                -- Vietnam time
    number          integer NOT NULL CHECK (number > 0), -- số đến
    registered_at   timestamptz NOT NULL,            -- ngày đến
    channel         text NOT NULL CHECK (channel IN ('paper', 'electronic')),
    issuer_id       text NOT NULL DEFAULT '',        -- OrganId of the author, when electronic
    issuer_name     text NOT NULL,                   -- tác giả
    code_number     text NOT NULL DEFAULT '',        -- số
    code_notation   text NOT NULL DEFAULT '',        -- ký hiệu
    issued_on       date,                            -- ngày văn bản
    type_name       text NOT NULL DEFAULT '',
    subject         text NOT NULL,
    due_on          date,
    attachments     integer NOT NULL DEFAULT 0,
    document_id     text NOT NULL DEFAULT '',        -- edXML DocumentId, when electronic
    axis_message_id text UNIQUE,                     -- the axis message it came in, when electronic
    recipient       text NOT NULL DEFAULT '',        -- đơn vị, người nhận (filled on assignment)
    status          text NOT NULL DEFAULT 'registered',
    note            text NOT NULL DEFAULT '',
    UNIQUE (year, number)                            -- one sequence for paper and electronic (art. 22)
);
CREATE INDEX incoming_register_document ON incoming_register (issuer_id, document_id) WHERE document_id <> '';
