import { expect } from 'chai';
import { LocalConnection } from '../../lib/connection/local.js';
import { gatherFacts } from '../../lib/executor/facts.js';
import { distributionFacts } from '../../lib/facts/distribution.js';
import { filterFacts } from '../../lib/facts/index.js';
import { FACTS_SCRIPT } from '../../lib/facts/script.js';

describe('facts: parsing', () => {
  it('gathers with plain /bin/sh (no python3 needed) and no shell text leaks into values', async () => {
    expect(FACTS_SCRIPT).to.not.include('python');
    const f = await gatherFacts(new LocalConnection('localhost'));
    for (const k of ['ansible_distribution', 'ansible_distribution_version', 'ansible_os_family', 'ansible_pkg_mgr'])
      expect(String(f[k]), k).to.not.match(/\$|^$/);
    expect(f.ansible_processor_vcpus).to.be.a('number').above(0);
    expect(f.ansible_memtotal_mb).to.be.a('number').above(0);
  });

  const osr = (lines: string[]): string => lines.join('\n');
  it('names distributions and families as Ansible does', () => {
    expect(distributionFacts(osr(['NAME="Ubuntu"', 'VERSION_ID="22.04"', 'VERSION="22.04.4 LTS (Jammy Jellyfish)"', 'ID=ubuntu', 'ID_LIKE=debian', 'VERSION_CODENAME=jammy']), '', '', 'Linux'))
      .to.deep.equal({ distribution: 'Ubuntu', distribution_version: '22.04', distribution_major_version: '22', distribution_minor_version: '04', distribution_release: 'jammy', os_family: 'Debian' });
    expect(distributionFacts(osr(['NAME="Red Hat Enterprise Linux"', 'VERSION="9.4 (Plow)"', 'ID="rhel"', 'VERSION_ID="9.4"']), '', '', 'Linux'))
      .to.include({ distribution: 'RedHat', distribution_version: '9.4', distribution_major_version: '9', distribution_release: 'Plow', os_family: 'RedHat' });
    expect(distributionFacts(osr(['ID="rocky"', 'VERSION_ID="9.3"']), '', '', 'Linux')).to.include({ distribution: 'Rocky', os_family: 'RedHat' });
    expect(distributionFacts(osr(['ID="centos"', 'VERSION_ID="7"']), '', 'CentOS Linux release 7.9.2009 (Core)', 'Linux')).to.include({ distribution: 'CentOS', distribution_version: '7.9' });
    expect(distributionFacts(osr(['ID=debian', 'VERSION_ID="12"', 'VERSION_CODENAME=bookworm']), '12.11\n', '', 'Linux'))
      .to.include({ distribution: 'Debian', distribution_version: '12.11', distribution_major_version: '12', os_family: 'Debian' });
  });

  it('filters facts by shell patterns, with or without ansible_', () => {
    const f = { distribution: 'Debian', distribution_version: '12', hostname: 'h' };
    expect(filterFacts(f, ['ansible_distribution*'])).to.deep.equal({ distribution: 'Debian', distribution_version: '12' });
    expect(filterFacts(f, ['hostname'])).to.deep.equal({ hostname: 'h' });
  });
});
