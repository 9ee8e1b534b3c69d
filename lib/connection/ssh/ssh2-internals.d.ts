// ssh2's own files for what tsplay uses of it: its index also loads its server, agents and
// HTTP(S) agents (and with them node's http, https and tls), ~10 ms at every start for nothing.
// ssh2 declares no "exports", so these paths are part of what it ships; the types are its own.
declare module 'ssh2/lib/client.js' {
  import type { Client } from 'ssh2';
  const ClientClass: typeof Client;
  export default ClientClass;
}
declare module 'ssh2/lib/protocol/keyParser.js' {
  import type { utils } from 'ssh2';
  const mod: { parseKey: typeof utils.parseKey };
  export default mod;
}
