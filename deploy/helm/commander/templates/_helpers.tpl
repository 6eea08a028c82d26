{{/* Names, labels and shared fragments. Only functions the repository's Helm harness
     (packages/gotemplate/src/helm.ts) implements are used in this chart. */}}

{{- define "commander.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "commander.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "commander.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "commander.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding the ACTIVE_RECORD_ENCRYPTION_* keys. */}}
{{- define "commander.envSecretName" -}}
{{- default "commander-envs" .Values.encryption.existingSecret -}}
{{- end -}}

{{/* Refuses to render without keys or without a database (the chart's own messages). */}}
{{- define "commander.validate" -}}
{{- $e := .Values.encryption -}}
{{- if and (not $e.existingSecret) (not (and $e.primaryKey $e.deterministicKey $e.keyDerivationSalt)) -}}
{{- fail "encryption keys are required: set encryption.existingSecret, or encryption.primaryKey, encryption.deterministicKey and encryption.keyDerivationSalt (generate them with `pnpm commander keys:generate` and back them up)" -}}
{{- end -}}
{{- $d := .Values.database -}}
{{- if not (or $d.url $d.existingSecret $d.cloudnativepg.enabled) -}}
{{- fail "a database is required: set database.url, database.existingSecret or database.cloudnativepg.enabled" -}}
{{- end -}}
{{- if and .Values.metrics.token (lt (len .Values.metrics.token) 32) -}}
{{- fail "metrics.token must be at least 32 characters" -}}
{{- end -}}
{{- end -}}

{{/* The Secret and key of the database URL. */}}
{{- define "commander.databaseSecret" -}}
{{- if .Values.database.existingSecret -}}
name: {{ .Values.database.existingSecret }}
key: {{ .Values.database.existingSecretKey }}
{{- else if .Values.database.cloudnativepg.enabled -}}
{{- /* CloudNativePG writes <cluster>-app with a `uri` key. */ -}}
name: {{ include "commander.fullname" . }}-db-app
key: uri
{{- else -}}
name: {{ include "commander.fullname" . }}-database
key: url
{{- end -}}
{{- end -}}

{{- define "commander.publicUrl" -}}
{{- if .Values.publicUrl -}}
{{- .Values.publicUrl -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- else -}}
{{- printf "http://%s.%s.svc" (include "commander.fullname" .) .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* DHCTL_SERVERS: {"<DKP version>": "<service>:<port>", "default": first}. */}}
{{- define "commander.dhctlServers" -}}
{{- $root := . -}}
{{- $servers := dict -}}
{{- range $i, $s := .Values.dhctl.servers -}}
{{- $address := printf "%s:%v" (include "commander.dhctlName" (list $root $s.version)) $root.Values.dhctl.port -}}
{{- $_ := set $servers (toString $s.version) $address -}}
{{- if eq $i 0 -}}{{- $_ := set $servers "default" $address -}}{{- end -}}
{{- end -}}
{{- if and .Values.dhctl.simulator.enabled (not (hasKey $servers "default")) -}}
{{- $_ := set $servers "default" (printf "%s-dhctl-sim:%v" (include "commander.fullname" .) .Values.dhctl.port) -}}
{{- end -}}
{{- toJson $servers -}}
{{- end -}}

{{/* The Deployment/Service name of one DKP version's dhctl server: list $root $version. */}}
{{- define "commander.dhctlName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-dhctl-%s" (include "commander.fullname" $root) (index . 1 | toString | replace "." "-" | lower) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Environment shared by the API, the managers and the migrations. */}}
{{- define "commander.commonEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "commander.databaseSecret" . | nindent 6 }}
- name: COMMANDER_PUBLIC_URL
  value: {{ include "commander.publicUrl" . | quote }}
{{- range list "ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY" "ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY" "ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT" }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ include "commander.envSecretName" $ }}
      key: {{ . }}
{{- end }}
- name: COMMANDER_AGENT_IMAGE
  value: {{ .Values.agent.image | quote }}
{{- end -}}

{{- define "commander.podSecurity" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "commander.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}
