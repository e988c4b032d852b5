import { Redactor, redactUrl } from '../../nodes/shared/redact';

describe('redaction', () => {
	it('masks credential-like query parameters in URLs', () => {
		expect(redactUrl('wss://api.example/stream?api_key=om_data_live_123&x=1')).toBe('wss://api.example/stream?api_key=***&x=1');
		expect(redactUrl('wss://h/ws?appId=a&token=eyJabc.def')).toBe('wss://h/ws?appId=a&token=***');
		expect(redactUrl('https://h/path?symbol=EURUSD')).toBe('https://h/path?symbol=EURUSD');
	});

	it('masks registered secrets wherever they appear, also URL-encoded', () => {
		const redactor = new Redactor(['api_live_s3cr3t/+=', 'short']);
		expect(redactor.text('key api_live_s3cr3t/+= failed')).toBe('key *** failed');
		expect(redactor.text(`q=${encodeURIComponent('api_live_s3cr3t/+=')}`)).toBe('q=***');
		expect(redactor.text('short words stay')).toBe('short words stay');
	});

	it('redacts errors and nested values without changing the input', () => {
		const redactor = new Redactor(['api_live_secret_key']);
		const input = { headers: { 'X-API-Key': 'api_live_secret_key' }, list: ['api_live_secret_key'] };
		expect(redactor.value(input)).toEqual({ headers: { 'X-API-Key': '***' }, list: ['***'] });
		expect(input.headers['X-API-Key']).toBe('api_live_secret_key');
		const error = redactor.error(new Error('bad key api_live_secret_key'));
		expect(error.message).toBe('bad key ***');
		expect(error.stack).not.toContain('api_live_secret_key');
	});
});
