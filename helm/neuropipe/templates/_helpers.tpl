{{/*
Names, labels and the per-component pieces every template shares. A "component" is the gateway or
one of the four services; templates call the component helpers with
(dict "root" $ "name" <component name> "c" <its values> "kind" "gateway"|"service").
*/}}

{{- define "neuropipe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "neuropipe.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "neuropipe.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "neuropipe.labels" -}}
helm.sh/chart: {{ include "neuropipe.chart" . }}
app.kubernetes.io/name: {{ include "neuropipe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: neuropipe
{{- end }}

{{- define "neuropipe.selectorLabels" -}}
app.kubernetes.io/name: {{ include "neuropipe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "neuropipe.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "neuropipe.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "neuropipe.configName" -}}
{{- printf "%s-config" (include "neuropipe.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "neuropipe.secretName" -}}
{{- default (printf "%s-postgresql" (include "neuropipe.fullname" .) | trunc 63 | trimSuffix "-") .Values.postgresql.existingSecret }}
{{- end }}

{{- define "neuropipe.modelsClaimName" -}}
{{- default (printf "%s-models" (include "neuropipe.fullname" .) | trunc 63 | trimSuffix "-") .Values.models.pvc.existingClaim }}
{{- end }}

{{/* The image tag: image.tag, else the chart's appVersion. */}}
{{- define "neuropipe.tag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/* ---- per component: called with (dict "root" $ "name" ... "c" ... "kind" ...) ---- */}}

{{- define "neuropipe.component.fullname" -}}
{{- printf "%s-%s" (include "neuropipe.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "neuropipe.component.labels" -}}
{{ include "neuropipe.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "neuropipe.component.selectorLabels" -}}
{{ include "neuropipe.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "neuropipe.component.gpu" -}}
{{- if and (eq .kind "service") .c.gpu.enabled }}true{{ end }}
{{- end }}

{{- define "neuropipe.component.image" -}}
{{- $suffix := ternary .root.Values.image.gpuSuffix "" (eq (include "neuropipe.component.gpu" .) "true") }}
{{- printf "%s/%s:%s%s" .root.Values.image.registry .c.image.repository (include "neuropipe.tag" .root) $suffix }}
{{- end }}

{{- define "neuropipe.component.executionProvider" -}}
{{- if eq (include "neuropipe.component.gpu" .) "true" }}{{ .c.gpu.executionProvider }}{{ else }}cpu{{ end }}
{{- end }}

{{/* Whether KEDA, not the Deployment, owns this component's replica count. */}}
{{- define "neuropipe.component.kedaScaled" -}}
{{- if and (eq .kind "service") .root.Values.keda.enabled }}true{{ end }}
{{- end }}

{{/*
Renders the named template once per enabled component (gateway first, then the services in name
order), documents separated by "---". Called with (dict "root" $ "template" "<name>").
*/}}
{{- define "neuropipe.eachComponent" -}}
{{- $root := .root }}
{{- $template := .template }}
{{- if $root.Values.gateway.enabled }}
---
{{ include $template (dict "root" $root "name" "gateway" "c" $root.Values.gateway "kind" "gateway") }}
{{- end }}
{{- range $name, $c := $root.Values.services }}
{{- if $c.enabled }}
---
{{ include $template (dict "root" $root "name" $name "c" $c "kind" "service") }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The database connection as environment variables named <prefix>URL, <prefix>USERNAME and
<prefix>PASSWORD: the gateway's DataSource (SPRING_DATASOURCE_) and the services' blob store
(NEUROPIPE_BLOBS_POSTGRES_) use the same database and credentials.
*/}}
{{- define "neuropipe.databaseEnv" -}}
{{- $root := .root -}}
- name: {{ .prefix }}URL
  value: {{ $root.Values.postgresql.url | quote }}
{{- if $root.Values.postgresql.existingSecret }}
- name: {{ .prefix }}USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.postgresql.existingSecret }}
      key: {{ $root.Values.postgresql.existingSecretUsernameKey }}
{{- else }}
- name: {{ .prefix }}USERNAME
  value: {{ $root.Values.postgresql.username | quote }}
{{- end }}
- name: {{ .prefix }}PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "neuropipe.secretName" $root }}
      key: {{ ternary $root.Values.postgresql.existingSecretPasswordKey "password" (not (empty $root.Values.postgresql.existingSecret)) }}
{{- end }}
