import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificate {
	key: string;
	cert: string;
	remove(): void;
}

/**
 * A self-signed certificate for one host, made with openssl in a folder of its own and trusted
 * by nothing on this machine: `subjectAltName` is `IP:127.0.0.1` or `DNS:localhost`.
 */
export function selfSignedCertificate(subjectAltName: string): Certificate {
	const folder = mkdtempSync(join(tmpdir(), 'test-tls-'));
	const commonName = subjectAltName.replace(/^(IP|DNS):/, '');
	execFileSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-days',
			'1',
			'-subj',
			`/CN=${commonName}`,
			'-addext',
			`subjectAltName=${subjectAltName}`,
		].concat(['-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem')]),
		{ stdio: 'ignore' },
	);
	return {
		key: readFileSync(join(folder, 'key.pem'), 'utf8'),
		cert: readFileSync(join(folder, 'cert.pem'), 'utf8'),
		remove: () => rmSync(folder, { recursive: true, force: true }),
	};
}
