import { classifyAddress, ipv6Groups, isAllowedAddress, type Lookup, RefusedTargetError, vetHost } from './address-guard';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', null],
    ['93.184.216.34', null],
    ['1.1.1.1', null],
    ['172.15.255.255', null],
    ['172.32.0.1', null],
    ['100.63.255.255', null],
    ['100.128.0.0', null],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.0.1', 'link_local'],
    ['169.254.169.254', 'cloud_metadata'],
    ['100.64.0.1', 'carrier_grade_nat'],
    ['100.127.255.255', 'carrier_grade_nat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
  ])('IPv4 %s → %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    ['2606:4700:4700::1111', null],
    ['2a00:1450:4001:81d::200e', null],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['fd00:ec2::254', 'cloud_metadata'],
    ['[::1]', 'loopback'],
    ['2001:db8::1', 'reserved'],
  ])('IPv6 %s → %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a01:203', 'private'],
    ['::ffff:169.254.169.254', 'cloud_metadata'],
    ['::ffff:a9fe:a9fe', 'cloud_metadata'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:100.64.0.1', 'carrier_grade_nat'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', null],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::8.8.8.8', null],
    ['2002:a9fe:a9fe::1', 'cloud_metadata'],
    ['2002:0808:0808::1', null],
  ])('IPv4 inside IPv6 %s → %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(['localhost', 'example.com', '1.2.3', '1::2::3', '12345::1', ''])('%s is not an address', (address) => {
    expect(classifyAddress(address)).toBe('invalid');
  });

  it('expands IPv6 notations', () => {
    expect(ipv6Groups('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(ipv6Groups('1:2:3:4:5:6:7')).toBeNull();
  });
});

describe('isAllowedAddress', () => {
  it('production refuses every non-public address, loopback included', () => {
    for (const a of ['127.0.0.1', '::1', '10.0.0.1', '169.254.169.254', '::ffff:127.0.0.1', 'fd00:ec2::254']) expect(isAllowedAddress(a, true)).toBe(false);
    expect(isAllowedAddress('8.8.8.8', true)).toBe(true);
  });

  it('development and tests allow loopback only', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isAllowedAddress(a, false)).toBe(true);
    for (const a of ['10.0.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', 'fd00:ec2::254', 'fe80::1']) expect(isAllowedAddress(a, false)).toBe(false);
  });
});

describe('vetHost (fake DNS)', () => {
  const dns = (answers: Record<string, string[]>): Lookup => async (host) => {
    const a = answers[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const lookup = dns({
    'hooks.example.com': ['93.184.216.34'],
    'metadata.evil.test': ['169.254.169.254'],
    'mixed.evil.test': ['93.184.216.34', '10.0.0.5'],
    'mapped.evil.test': ['::ffff:127.0.0.1'],
    'v6.evil.test': ['fd00:ec2::254'],
    'localhost': ['127.0.0.1', '::1'],
  });

  it('answers the public address to connect to', async () => {
    await expect(vetHost('hooks.example.com', true, lookup)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
  });

  it.each(['metadata.evil.test', 'mixed.evil.test', 'mapped.evil.test', 'v6.evil.test', 'localhost', '127.0.0.1', '[::1]', '169.254.169.254'])(
    'refuses %s in production',
    async (host) => {
      await expect(vetHost(host, true, lookup)).rejects.toBeInstanceOf(RefusedTargetError);
    },
  );

  it('allows loopback, and still refuses private targets, outside production', async () => {
    await expect(vetHost('localhost', false, lookup)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
    await expect(vetHost('[::1]', false, lookup)).resolves.toEqual({ address: '::1', family: 6 });
    await expect(vetHost('metadata.evil.test', false, lookup)).rejects.toThrow('cloud_metadata');
    await expect(vetHost('mixed.evil.test', false, lookup)).rejects.toThrow('private');
  });

  it('refuses a name that does not resolve', async () => {
    await expect(vetHost('nowhere.invalid', true, lookup)).rejects.toThrow('ENOTFOUND');
  });
});
