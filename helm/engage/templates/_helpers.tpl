{{/*
Design: one chart, one templated block per service. The gateway and the services have the same
shape (Deployment, Service, HPA, PDB, NetworkPolicy, ServiceAccount, and for each service a
Secret and a migration Job), so every template ranges over the service keys (_services.tpl) and
reads that service's values block. A value fixed once (probes, security context, shutdown
timing) is fixed for all of them.
*/}}

{{/* The values keys the templates range over ("engage.serviceKeys") are in _services.tpl, generated
from the service registry (libs/contracts/src/system/services.json). */}}

{{- define "engage.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "engage.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "engage.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. Argument: root context. */}}
{{- define "engage.commonLabels" -}}
helm.sh/chart: {{ include "engage.chart" . }}
app.kubernetes.io/name: {{ include "engage.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: engage
{{- end -}}

{{/* Selector labels of one component. Argument: dict root, component. */}}
{{- define "engage.selectorLabels" -}}
app.kubernetes.io/name: {{ include "engage.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of one component. Argument: dict root, component. */}}
{{- define "engage.labels" -}}
{{ include "engage.commonLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Name of a per-app object: <fullname>-<app>. Argument: dict root, svc. */}}
{{- define "engage.workloadName" -}}
{{- printf "%s-%s" (include "engage.fullname" .root) .svc.app | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Image of an app. Argument: dict root, svc (a block with .app and optional .image). */}}
{{- define "engage.image" -}}
{{- $img := .root.Values.image -}}
{{- $own := .svc.image | default dict -}}
{{- $repo := $own.repository | default (printf "%s%s" $img.repositoryPrefix .svc.app) -}}
{{- if $img.registry -}}{{- $repo = printf "%s/%s" (trimSuffix "/" $img.registry) $repo -}}{{- end -}}
{{- $digest := $own.digest | default $img.digest -}}
{{- if $digest -}}
{{- printf "%s@%s" $repo $digest -}}
{{- else -}}
{{- printf "%s:%s" $repo ($own.tag | default $img.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* Secret with a service's credentials. Argument: dict root, svc. */}}
{{- define "engage.secretName" -}}
{{- .svc.existingSecret | default (include "engage.workloadName" .) -}}
{{- end -}}

{{/* The Secret holding the gateway's OPS_TOKEN (metrics and detailed health; the ServiceMonitor sends it). */}}
{{- define "engage.opsSecretName" -}}
{{- printf "%s-ops" (include "engage.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "engage.configName" -}}
{{- printf "%s-config" (include "engage.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "engage.provisionSecretName" -}}
{{- .Values.provisioning.existingSecret | default (printf "%s-provision" (include "engage.fullname" .)) -}}
{{- end -}}

{{/* NATS_URL and REDIS_URL as env entries when they come from Secrets. Argument: root. */}}
{{- define "engage.infraSecretEnv" -}}
{{- if .Values.nats.existingSecret }}
- name: NATS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.nats.existingSecret }}
      key: {{ .Values.nats.existingSecretKey }}
{{- end }}
{{- if .Values.redis.existingSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.existingSecretKey }}
{{- end }}
{{- end -}}

{{/*
NATS credentials and TLS of one process (env entries). With nats.auth on, the process is the NATS
user named after its app, its password taken from nats.auth.existingSecret (key: the app name).
Argument: dict root, svc.
*/}}
{{- define "engage.natsEnv" -}}
{{- $nats := .root.Values.nats -}}
{{- if $nats.auth.enabled }}
- name: NATS_USER
  value: {{ .svc.app | quote }}
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "nats.auth.enabled needs nats.auth.existingSecret (one key per app with its NATS password)" $nats.auth.existingSecret }}
      key: {{ .svc.app }}
{{- end }}
{{- if $nats.tls.caSecret }}
- name: NATS_TLS_CA_FILE
  value: /etc/engage/nats-tls/ca.crt
{{- end }}
{{- end -}}

{{/* The writable /tmp every pod gets (read-only root filesystem). Argument: root. */}}
{{- define "engage.tmpVolume" -}}
- name: tmp
  emptyDir:
    medium: ""
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{/* Pod-level settings shared by Deployments and Jobs. Argument: root. */}}
{{- define "engage.podCommon" -}}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* A Postgres URL. Argument: dict root, user, password. */}}
{{- define "engage.pgUrl" -}}
{{- $db := .root.Values.database -}}
{{- $url := printf "postgres://%s:%s@%s:%v/%s" .user (.password | urlquery | replace "+" "%20") $db.host $db.port $db.name -}}
{{- if $db.params -}}{{- $url = printf "%s?%s" $url $db.params -}}{{- end -}}
{{- $url -}}
{{- end -}}
