import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A throw-away CA with a server and a client certificate, made by Debian's openssl in `dir`. */
export interface TestPki {
  dir: string;
  /** File names in `dir`. */
  files: { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
  pem(file: keyof TestPki['files']): string;
}

export function makeTestPki(dir: string, serverAltNames = 'IP:127.0.0.1'): TestPki {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const files = { ca: 'ca.pem', serverCert: 'server.pem', serverKey: 'server-key.pem', clientCert: 'client.pem', clientKey: 'client-key.pem' };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca', '-keyout', 'ca-key.pem', '-out', files.ca);
  const signed = (name: string, cert: string, key: string, extensions: string): void => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', key, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', files.ca, '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', cert);
  };
  signed('server', files.serverCert, files.serverKey, `subjectAltName=${serverAltNames}\nextendedKeyUsage=serverAuth\n`);
  signed('alice', files.clientCert, files.clientKey, 'extendedKeyUsage=clientAuth\n');
  return { dir, files, pem: (file) => readFileSync(join(dir, files[file]), 'utf8') };
}
