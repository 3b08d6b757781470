/** The Postgres schema crm-service owns. */
export const SCHEMA = 'crm';
