-- Where each object comes from, fixed by its first version and copied to
-- every version: 'home' (written by Warden, or imported by the
-- authority's people from a file, the API or the CLI), 'org:ID' (posted
-- by a counterpart through TAXII), 'feed:NAME' (pulled from a partner
-- feed) or 'taxii:HOST' (a pull without a feed). An import stores a new
-- version of an object only from the object's origin.
ALTER TABLE intel_objects ADD COLUMN origin TEXT NOT NULL DEFAULT 'home';

-- Backfill: what a counterpart's import stored is its organisation's;
-- what a pull stored, its feed's (a pull without a feed kept the API
-- root's URL as its source: its origin keeps the whole URL).
UPDATE intel_objects SET origin = 'org:' || (SELECT i.org FROM intel_imports i WHERE i.id = intel_objects.import_id)
    WHERE EXISTS (SELECT 1 FROM intel_imports i WHERE i.id = intel_objects.import_id AND i.org <> '' AND i.org <> 'home');
UPDATE intel_objects SET origin = 'feed:' || SUBSTR(source, 7)
    WHERE origin = 'home' AND source LIKE 'taxii:%' AND source <> 'taxii:post' AND source NOT LIKE '%://%';
UPDATE intel_objects SET origin = 'taxii:' || SUBSTR(source, 7)
    WHERE origin = 'home' AND source LIKE 'taxii:%://%';
UPDATE intel_objects SET origin = (SELECT f.origin FROM intel_objects f WHERE f.stix_id = intel_objects.stix_id ORDER BY f.seq LIMIT 1);

-- The TLP marking definitions are Warden's to write, never stored from an
-- import: those imported before go, with what was read from them.
DELETE FROM intel_edges WHERE owner IN (
    'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
    'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
    'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
    'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed');
DELETE FROM intel_shares WHERE stix_id IN (
    'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
    'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
    'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
    'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed');
DELETE FROM intel_objects WHERE stix_id IN (
    'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
    'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
    'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
    'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed');
