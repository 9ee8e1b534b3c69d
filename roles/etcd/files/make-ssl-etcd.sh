#!/bin/bash
# Makes the etcd PKI the kubespray way (a CA, then member-, admin- and node- certificates signed by
# it, all with the SANs of openssl.conf's [alt_names]), but only what is missing or no longer
# right: a certificate is remade when it is absent, expires within RENEW_DAYS, was not signed by
# the CA, does not match its key, or lacks a SAN it needs. A second run therefore changes nothing.
# The SANs a certificate needs are those openssl.conf lists except the other etcd members' names
# and addresses: adding or removing a member (scale.ts, remove-node.ts) makes the new member's
# certificates and leaves every other member's as they are. Prints one "generated <name>" line per
# certificate it made.
#
# usage: make-ssl-etcd.sh -f <openssl.conf> [-d <ssldir>]
# env:   MASTERS="h1 h2 h3" (member- and admin- certs)  HOSTS="m1 m2" (node- certs)
#        MEMBER_IPS="h1=10.0.0.1 h2=10.0.0.2" (each member's address, as [alt_names] lists it)
#        DAYS (validity, days), KEYSIZE (RSA bits), RENEW_DAYS, FORCE=true (remake all but the CA),
#        CHECK=true (--check: print "would generate <name>" and change nothing)
set -o errexit -o nounset -o pipefail

CONF=""
SSLDIR=/etc/ssl/etcd
while getopts "f:d:" opt; do
  case $opt in
    f) CONF=$OPTARG ;;
    d) SSLDIR=$OPTARG ;;
    *) echo "usage: $0 -f <openssl.conf> [-d <ssldir>]" >&2; exit 2 ;;
  esac
done
[ -n "$CONF" ] || { echo "make-ssl-etcd.sh: -f <openssl.conf> is required" >&2; exit 2; }
[ -r "$CONF" ] || { echo "make-ssl-etcd.sh: cannot read $CONF" >&2; exit 2; }
MASTERS=${MASTERS:-}
HOSTS=${HOSTS:-}
DAYS=${DAYS:-36500}
KEYSIZE=${KEYSIZE:-2048}
RENEW_DAYS=${RENEW_DAYS:-30}
FORCE=${FORCE:-false}
CHECK=${CHECK:-false}
MEMBER_IPS=${MEMBER_IPS:-}

if [ "$CHECK" = true ]; then
  # nothing is written: every certificate that is not already right would be made
  if [ ! -d "$SSLDIR" ] || [ ! -s "$SSLDIR/ca-key.pem" ]; then
    echo "would generate ca"
    for host in $MASTERS; do echo "would generate member-$host"; echo "would generate admin-$host"; done
    for host in $HOSTS; do echo "would generate node-$host"; done
    exit 0
  fi
fi
umask 077
if [ "$CHECK" = true ]; then
  cd "$SSLDIR"
  WORK=$(mktemp -d) # the SAN probe only; nothing is written in $SSLDIR
else
  mkdir -p "$SSLDIR"
  cd "$SSLDIR"
  # every new file is made here first and renamed into place: never a half-written key or cert
  WORK=$(mktemp -d "$SSLDIR/.make-ssl.XXXXXX")
fi
trap 'rm -rf "$WORK"' EXIT

if [ ! -s ca-key.pem ] || [ ! -s ca.pem ] || ! openssl x509 -in ca.pem -noout -checkend $((RENEW_DAYS * 86400)) >/dev/null; then
  [ "$CHECK" != true ] || { echo "would generate ca (and every certificate it signs)"; exit 0; }
  openssl genrsa -out "$WORK/ca-key.pem" "$KEYSIZE" 2>/dev/null
  openssl req -x509 -new -nodes -key "$WORK/ca-key.pem" -days "$DAYS" -out "$WORK/ca.pem" -subj "/CN=etcd-ca" \
    -config "$CONF" -extensions v3_ca 2>/dev/null
  mv -f "$WORK/ca-key.pem" ca-key.pem
  mv -f "$WORK/ca.pem" ca.pem
  echo "generated ca"
fi

# the SANs a certificate made now would carry, as openssl prints them
openssl req -new -x509 -key ca-key.pem -subj "/CN=probe" -days 1 -config "$CONF" -extensions ssl_client -out "$WORK/probe.pem" 2>/dev/null
sans_of() { openssl x509 -in "$1" -noout -ext subjectAltName | sed 1d | tr ',' '\n' | sed 's/^ *//' | grep -v '^$' | sort -u; }
sans_of "$WORK/probe.pem" >"$WORK/want"

# the SANs that name another member than $1 (none is the host's own when $1 is not a member)
others_sans() {
  local host
  for host in $MASTERS; do [ "$host" = "$1" ] || echo "DNS:$host"; done
  for pair in $MEMBER_IPS; do [ "${pair%%=*}" = "$1" ] || echo "IP Address:${pair#*=}"; done
}

still_good() {
  local name=$1 host=$2
  [ "$FORCE" != true ] || return 1
  [ -s "$name.pem" ] && [ -s "$name-key.pem" ] || return 1
  openssl verify -CAfile ca.pem "$name.pem" >/dev/null 2>&1 || return 1
  openssl x509 -in "$name.pem" -noout -checkend $((RENEW_DAYS * 86400)) >/dev/null || return 1
  [ "$(openssl x509 -in "$name.pem" -noout -pubkey)" = "$(openssl pkey -in "$name-key.pem" -pubout 2>/dev/null)" ] || return 1
  # every SAN it needs is there (another member's SANs, present or not, do not matter)
  others_sans "$host" | sort -u >"$WORK/others"
  sans_of "$name.pem" >"$WORK/have"
  [ -z "$(comm -23 "$WORK/want" "$WORK/others" | comm -23 - "$WORK/have")" ] || return 1
}

gen() {
  local name=$1 cn=$2 host=$3
  still_good "$name" "$host" && return 0
  [ "$CHECK" != true ] || { echo "would generate $name"; return 0; }
  openssl genrsa -out "$WORK/$name-key.pem" "$KEYSIZE" 2>/dev/null
  openssl req -new -key "$WORK/$name-key.pem" -out "$WORK/$name.csr" -subj "/CN=$cn" -config "$CONF" 2>/dev/null
  openssl x509 -req -in "$WORK/$name.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -CAserial "$WORK/ca.srl" \
    -out "$WORK/$name.pem" -days "$DAYS" -extensions ssl_client -extfile "$CONF" 2>/dev/null
  mv -f "$WORK/$name-key.pem" "$name-key.pem"
  mv -f "$WORK/$name.pem" "$name.pem"
  echo "generated $name"
}

for host in $MASTERS; do
  cn=${host%%.*}
  gen "member-$host" "etcd-member-$cn" "$host"
  gen "admin-$host" "etcd-admin-$cn" "$host"
done
for host in $HOSTS; do
  cn=${host%%.*}
  gen "node-$host" "etcd-node-$cn" "$host"
done
