/** A custom field value as stored and returned: its type comes from the tenant's definition. */
export type CustomFieldValue = string | number | boolean | string[] | null;
export type CustomFieldValues = Record<string, CustomFieldValue>;
