CREATE TABLE IF NOT EXISTS inventory (sku VARCHAR(64) PRIMARY KEY, stock INT NOT NULL);
MERGE INTO inventory (sku, stock) KEY (sku) VALUES ('widget', 42);
