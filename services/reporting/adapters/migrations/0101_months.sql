-- The months a report exists for: a cycle was opened, or (events arriving from several
-- topics in any order) an allocation of that month was seen. A report for any other
-- month answers 404 rather than a page of zeros.
CREATE TABLE months (
    service_area text NOT NULL,
    month text NOT NULL,
    PRIMARY KEY (service_area, month)
);

INSERT INTO months (service_area, month)
SELECT service_area, month FROM allocations
UNION
SELECT service_area, month FROM audits;
