{{/*
Labels every object carries. No helm.sh/chart or managed-by label: the
manifests of artifacts/ are rendered from these templates and are applied
without Helm as well.
*/}}
{{- define "meridian.labels" -}}
app.kubernetes.io/part-of: meridian
{{- end }}

{{/* Labels of one component's objects and pods: the name, then the common ones. */}}
{{- define "meridian.componentLabels" -}}
app.kubernetes.io/name: {{ . }}
{{ include "meridian.labels" $ }}
{{- end }}

{{/* An image reference: the component's own value, else registry/name:tag. */}}
{{- define "meridian.image" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}{{- $override := index . 2 -}}
{{- if $override -}}
{{ $override }}
{{- else -}}
{{ $root.Values.image.registry }}/{{ $name }}:{{ $root.Values.image.tag | default $root.Chart.AppVersion }}
{{- end -}}
{{- end }}

{{/* The names kube-aggregator may dial the server by (its Service's DNS names). */}}
{{- define "meridian.servingNames" -}}
{{- $ns := .Release.Namespace -}}
{{- $names := list (printf "meridian-apiserver.%s.svc" $ns) (printf "meridian-apiserver.%s.svc.cluster.local" $ns) (printf "meridian-apiserver.%s" $ns) -}}
{{- with .Values.apiserver.external.host -}}
{{- $names = append $names . -}}
{{- end -}}
{{- toJson $names -}}
{{- end }}

{{/*
The serving Secret and the APIService's caBundle, computed once per render
(source helm and secret; cert-manager injects its own): a dict with ca, crt,
key (PEM) when the chart issues the certificate, and caBundle (base64).
*/}}
{{- define "meridian.serving" -}}
{{- $sc := .Values.servingCertificate -}}
{{- $ns := .Release.Namespace -}}
{{- $out := dict -}}
{{- if eq $sc.source "helm" -}}
  {{- $cur := lookup "v1" "Secret" $ns $sc.secretName -}}
  {{- if and $cur $cur.data (index $cur.data "ca.crt") (index $cur.data "tls.crt") (index $cur.data "tls.key") -}}
    {{- /* Reuse: a new CA on every upgrade would break the running replicas' trust. */ -}}
    {{- $_ := set $out "ca" (index $cur.data "ca.crt" | b64dec) -}}
    {{- $_ := set $out "crt" (index $cur.data "tls.crt" | b64dec) -}}
    {{- $_ := set $out "key" (index $cur.data "tls.key" | b64dec) -}}
  {{- else -}}
    {{- $ips := list -}}
    {{- if eq .Values.apiserver.external.host "localhost" -}}{{- $ips = list "127.0.0.1" -}}{{- end -}}
    {{- $names := include "meridian.servingNames" . | fromJsonArray -}}
    {{- $ca := genCA (printf "meridian-apiserver-ca@%s" $ns) 3650 -}}
    {{- $cert := genSignedCert (first $names) $ips $names 3650 $ca -}}
    {{- $_ := set $out "ca" $ca.Cert -}}
    {{- $_ := set $out "crt" $cert.Cert -}}
    {{- $_ := set $out "key" $cert.Key -}}
  {{- end -}}
  {{- $_ := set $out "caBundle" ($out.ca | b64enc) -}}
{{- else if eq $sc.source "secret" -}}
  {{- if $sc.caBundle -}}
    {{- $_ := set $out "caBundle" $sc.caBundle -}}
  {{- else -}}
    {{- $cur := lookup "v1" "Secret" $ns $sc.secretName -}}
    {{- if and $cur $cur.data (index $cur.data "ca.crt") -}}
      {{- $_ := set $out "caBundle" (index $cur.data "ca.crt") -}}
    {{- else -}}
      {{- fail (printf "servingCertificate.source is secret: create Secret %s/%s with tls.crt, tls.key and ca.crt first, or set servingCertificate.caBundle" $ns $sc.secretName) -}}
    {{- end -}}
  {{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end }}
