{{/* GENERATED from libs/contracts/src/system/services.json by tools/registry/generate.mjs — do not edit. */}}

{{/* The values keys of the gateway and the services, in start order; every template ranges over them. */}}
{{- define "engage.serviceKeys" -}}
gateway userService crmService telephonyService activityService notificationService
{{- end -}}
