import type { ConfigService } from '@nestjs/config';
import { of, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { CxoneApiClient } from '../cxone-api/cxone-api.client.js';
import { ActiveContactsOwners } from './contact-owners.js';

const config = {
  get: () => ({ acdApiVersion: '30.0', contactsPollMs: 2000 }),
} as unknown as ConfigService<AppConfig, true>;

describe(ActiveContactsOwners.name, () => {
  let call: ReturnType<typeof vi.fn>;
  let sut: ActiveContactsOwners;

  beforeEach(() => {
    vi.useFakeTimers();
    call = vi.fn();
    sut = new ActiveContactsOwners({ call } as unknown as CxoneApiClient, new Counters(), config);
  });
  afterEach(() => {
    sut.onApplicationShutdown();
    vi.useRealTimers();
  });

  it('learns each contact’s agent from CXone’s active contacts, and polls on from lastPollTime', async () => {
    call.mockReturnValueOnce(
      of({
        lastPollTime: '2026-12-01T10:00:00.000Z',
        activeContacts: [
          { contactId: 'c-1', agentId: '1001', stateName: 'Active' },
          { contactId: 42, agentId: 1002, stateName: 'Active' },
        ],
      }),
    );
    await sut.pollNow();
    expect(call.mock.calls[0]![0]).toMatchObject({
      method: 'GET',
      path: '/inContactAPI/services/v30.0/contacts/active',
      params: {},
      notModifiedIsAnswer: true,
    });
    expect(sut.access('1001', 'c-1')).toBe('allowed');
    expect(sut.access('1002', 'c-1')).toBe('refused');
    expect(sut.access('1002', '42')).toBe('allowed');
    expect(sut.access('1001', 'c-9')).toBe('unknown');

    call.mockReturnValueOnce(of(undefined)); // 304: nothing changed
    await vi.advanceTimersByTimeAsync(2000);
    expect(call.mock.calls[1]![0].params).toEqual({ updatedSince: '2026-12-01T10:00:00.000Z' });
    expect(sut.access('1001', 'c-1')).toBe('allowed');
  });

  it('follows a contact handed to another agent', async () => {
    call.mockReturnValueOnce(of({ activeContacts: [{ contactId: 'c-1', agentId: '1001' }] }));
    await sut.pollNow();
    call.mockReturnValueOnce(of({ activeContacts: [{ contactId: 'c-1', agentId: '1002' }] }));
    await sut.pollNow();
    expect(sut.access('1001', 'c-1')).toBe('refused');
    expect(sut.access('1002', 'c-1')).toBe('allowed');
  });

  it('skips malformed entries and keeps what it knew when a poll fails', async () => {
    call.mockReturnValueOnce(
      of({ activeContacts: [{ contactId: 'c-1', agentId: '1001' }, { contactId: '<x>', agentId: '1' }, null, 'junk'] }),
    );
    await sut.pollNow();
    call.mockReturnValueOnce(throwError(() => new Error('HTTP 503')));
    await sut.pollNow();
    expect(sut.access('1001', 'c-1')).toBe('allowed');
    expect(sut.contactsKnown).toBe(1);
    call.mockReturnValue(of({ activeContacts: [] }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(call).toHaveBeenCalledTimes(3);
  });

  it('in cluster mode polls only while it leads, shares what changed, and takes in what others shared', async () => {
    let leading = false;
    const share = vi.fn().mockResolvedValue(true);
    sut.shareWith({ polls: () => leading, share });

    await sut.pollNow();
    expect(call).not.toHaveBeenCalled();
    sut.applyShared('c-1', '1001');
    sut.applyShared('<x>', '1002'); // checked as if read from CXone
    expect(sut.access('1001', 'c-1')).toBe('allowed');
    expect(sut.contactsKnown).toBe(1);

    leading = true;
    call.mockReturnValue(
      of({
        activeContacts: [
          { contactId: 'c-1', agentId: '1001' },
          { contactId: 'c-2', agentId: '1002' },
        ],
      }),
    );
    await vi.advanceTimersByTimeAsync(2000);
    expect(call).toHaveBeenCalledTimes(1);
    expect(share).toHaveBeenCalledExactlyOnceWith([{ contactId: 'c-2', agentId: '1002' }]);
  });

  it('shares every contact again at the next poll when sharing failed', async () => {
    const share = vi.fn().mockResolvedValueOnce(false).mockResolvedValue(true);
    sut.shareWith({ polls: () => true, share });
    call.mockReturnValue(
      of({ lastPollTime: '2026-12-01T10:00:00.000Z', activeContacts: [{ contactId: 'c-1', agentId: '1001' }] }),
    );

    await sut.pollNow();
    await vi.advanceTimersByTimeAsync(2000);

    expect(call.mock.calls[1]![0].params).toEqual({});
    expect(share).toHaveBeenNthCalledWith(2, [{ contactId: 'c-1', agentId: '1001' }]);
  });
});
