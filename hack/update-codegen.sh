#!/usr/bin/env bash
# Regenerates every generated file in the repository from the API types:
#   - deepcopy for all of pkg/apis (k8s.io/code-generator deepcopy-gen)
#   - OpenAPI definitions for the aggregated views (openapi-gen)
#   - clientsets, listers and informers for Gloo's member-side groups and for
#     Meridian's own groups (client-gen, lister-gen, informer-gen)
#   - CustomResourceDefinitions for fed.meridian.io (controller-gen), into charts/meridian
#   - artifacts/, rendered from charts/meridian (hack/renderchart)
# The generators are pinned by hack/tools/codegen/go.mod; nothing here depends on
# what happens to be installed on the machine.
set -o errexit
set -o nounset
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "${ROOT}"

THIS_PKG=github.com/meridianfed/meridian
BOILERPLATE="${ROOT}/hack/boilerplate.go.txt"
TOOLS_MOD="${ROOT}/hack/tools/codegen"

# `go list -m -f '{{.Dir}}'` prints an empty directory for a module that is not
# in the module cache yet (a fresh machine), so download it first.
(cd "${TOOLS_MOD}" && go mod download k8s.io/code-generator)
CODEGEN_PKG=$(cd "${TOOLS_MOD}" && go list -m -f '{{.Dir}}' k8s.io/code-generator)
if [[ -z "${CODEGEN_PKG}" || ! -f "${CODEGEN_PKG}/kube_codegen.sh" ]]; then
    echo "k8s.io/code-generator is not in the module cache after go mod download (got '${CODEGEN_PKG}')" >&2
    exit 1
fi
export GOBIN="${ROOT}/bin/codegen"
mkdir -p "${GOBIN}"
(cd "${TOOLS_MOD}" && go build -o "${GOBIN}/controller-gen" sigs.k8s.io/controller-tools/cmd/controller-gen)

# shellcheck source=/dev/null
source "${CODEGEN_PKG}/kube_codegen.sh"

kube::codegen::gen_helpers \
    --boilerplate "${BOILERPLATE}" \
    "${ROOT}/pkg/apis"

kube::codegen::gen_openapi \
    --output-dir "${ROOT}/pkg/generated/openapi" \
    --output-pkg "${THIS_PKG}/pkg/generated/openapi" \
    --report-filename "${ROOT}/hack/api-rules/violation_exceptions.list" \
    --update-report \
    --output-model-name-file "zz_generated.model_name.go" \
    --boilerplate "${BOILERPLATE}" \
    "${ROOT}/pkg/apis/views"

# Gloo's member-side groups: gloo.solo.io, gateway.solo.io, enterprise.gloo.solo.io,
# ratelimit.solo.io. Settings is its own plural in Gloo's CRDs.
kube::codegen::gen_client \
    --with-watch \
    --plural-exceptions "Settings:Settings" \
    --output-dir "${ROOT}/pkg/generated/gloo" \
    --output-pkg "${THIS_PKG}/pkg/generated/gloo" \
    --boilerplate "${BOILERPLATE}" \
    "${ROOT}/pkg/apis/gloo"

# Meridian's own groups (fed.meridian.io, views.meridian.io) share one clientset.
# kube_codegen's gen_client would also pick up the nested Gloo groups under
# pkg/apis, so the generators are called directly with the exact inputs.
meridian_gvs=(fed/v1alpha1 views/v1alpha1)
meridian_pkgs=()
client_inputs=()
for gv in "${meridian_gvs[@]}"; do
    meridian_pkgs+=("${THIS_PKG}/pkg/apis/${gv}")
    client_inputs+=(--input "${gv}")
done
MERIDIAN_PLURALS="FederatedSettings:FederatedSettings,Settings:Settings"
for sub in clientset listers informers; do
    rm -rf "${ROOT}/pkg/generated/${sub}"
done
"${GOBIN}/client-gen" \
    --go-header-file "${BOILERPLATE}" \
    --output-dir "${ROOT}/pkg/generated/clientset" \
    --output-pkg "${THIS_PKG}/pkg/generated/clientset" \
    --clientset-name versioned \
    --input-base "${ROOT}/pkg/apis" \
    --plural-exceptions "${MERIDIAN_PLURALS}" \
    "${client_inputs[@]}"
"${GOBIN}/lister-gen" \
    --go-header-file "${BOILERPLATE}" \
    --output-dir "${ROOT}/pkg/generated/listers" \
    --output-pkg "${THIS_PKG}/pkg/generated/listers" \
    --plural-exceptions "${MERIDIAN_PLURALS}" \
    "${meridian_pkgs[@]}"
"${GOBIN}/informer-gen" \
    --go-header-file "${BOILERPLATE}" \
    --output-dir "${ROOT}/pkg/generated/informers" \
    --output-pkg "${THIS_PKG}/pkg/generated/informers" \
    --versioned-clientset-package "${THIS_PKG}/pkg/generated/clientset/versioned" \
    --listers-package "${THIS_PKG}/pkg/generated/listers" \
    --plural-exceptions "${MERIDIAN_PLURALS}" \
    "${meridian_pkgs[@]}"

# CRDs of fed.meridian.io, into the Helm chart (charts/meridian/files/crds).
rm -f "${ROOT}"/charts/meridian/files/crds/fed.meridian.io_*.yaml
"${GOBIN}/controller-gen" \
    crd:crdVersions=v1 \
    paths="./pkg/apis/fed/..." \
    output:crd:artifacts:config=charts/meridian/files/crds
# Gloo's own schema for each federated template's spec.
(cd "${ROOT}" && go run ./hack/fedschema --crds charts/meridian/files/crds --gloo-crds pkg/devenv/glooinstall/crds)
# The admission policies that check placement and failover targets by RBAC,
# one validation per target, for every federated kind.
(cd "${ROOT}" && go run ./hack/admissionpolicy --crds charts/meridian/files/crds --out charts/meridian/files/placement-policy.yaml)
# artifacts/ (meridianctl install, the demo, kustomize) is the chart rendered:
# one source for every way of installing.
(cd "${ROOT}" && go run ./hack/renderchart --out artifacts)

echo "codegen: done"
