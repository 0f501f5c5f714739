-- One row per committed revocation (or secret change), whichever node made it. Every
-- node polls the newest sequence number and, when it moves, drops what it cached about
-- tokens and consumer keys: the revocation bound across nodes sharing this database.
CREATE TABLE revocation_feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at  INTEGER NOT NULL
);
