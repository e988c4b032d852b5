import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { StreamFailure } from './errors';

/**
 * The "Allowed HTTP Request Domains" setting n8n adds to every credential form whose credential
 * signs requests (n8n-workflow's credential-domain-restrictions, n8n 2.x): the field
 * `allowedHttpRequestDomains` ('all', 'domains' or 'none') and, for 'domains', `allowedDomains`, a
 * comma-separated list where `*.example.com` matches the subdomains of example.com (never
 * example.com itself) and any other entry matches its exact host name, case and a trailing dot
 * aside.
 *
 * Streams follow n8n's rule for the requests a credential makes for its own node (its token
 * exchange, a node's own endpoint): only a 'domains' list restricts them. 'none' speaks of the HTTP
 * Request node and leaves the node's own connections alone, as n8n does. The rule is written out
 * here rather than imported, so that n8n 1.x hosts, whose n8n-workflow lacks it, keep working.
 */
export interface DomainRestriction {
	/** The credential's name as the user sees it ('Totalis API'), for the message. */
	credentialName: string;
	/** The list as typed; empty when 'domains' is chosen with nothing in it (then nothing is allowed). */
	allowedDomains: string;
}

/** The credential's restriction on its streams, or undefined when it has none. */
export function domainRestrictionOf(stored: ICredentialDataDecryptedObject, credentialName: string): DomainRestriction | undefined {
	if (stored.allowedHttpRequestDomains !== 'domains') return undefined;
	const allowedDomains = typeof stored.allowedDomains === 'string' ? stored.allowedDomains.trim() : '';
	return { credentialName, allowedDomains };
}

/** n8n's matching rule (isDomainAllowed): exact host names, or `*.suffix` for subdomains only. */
export function isHostAllowed(hostname: string, allowedDomains: string): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	if (!host) return false;
	return allowedDomains
		.split(',')
		.map((entry) => entry.trim().toLowerCase().replace(/\.$/, ''))
		.filter(Boolean)
		.some((entry) => {
			if (!entry.startsWith('*.')) return host === entry;
			const suffix = entry.slice(2);
			return suffix !== '' && host.endsWith(`.${suffix}`);
		});
}

/**
 * Refuses a stream URL whose host the credential does not allow, before anything connects. The
 * refusal is permanent (no retry changes the setting) and names the host (never the path or the
 * query, which may carry a key) and the setting to change.
 */
export function assertStreamUrlAllowed(url: string, restriction: DomainRestriction | undefined): void {
	if (!restriction) return;
	let hostname = '';
	try {
		hostname = new URL(url).hostname;
	} catch {
		// Not a URL: no host can be allowed.
	}
	if (isHostAllowed(hostname, restriction.allowedDomains)) return;
	const setting = `the ${restriction.credentialName} credential's "Allowed HTTP Request Domains"`;
	const message = restriction.allowedDomains
		? `Domain not allowed: ${setting} is set to specific domains (${restriction.allowedDomains}), and the stream host ${hostname || '(none)'} is not one of them. Add it to "Allowed Domains" or change the setting.`
		: `Domain not allowed: ${setting} is set to specific domains but lists none, so the stream host ${hostname || '(none)'} is refused. Add it to "Allowed Domains" or change the setting.`;
	throw new StreamFailure('rejected', message);
}
