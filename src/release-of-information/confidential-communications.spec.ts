import fc from 'fast-check';
import { communicationProblems, deliveryOf, individualNoticeDelivery } from './confidential-communications';
import { REQUESTER_TYPES } from './disclosure-basis';

describe('confidential communications (45 CFR 164.522(b))', () => {
  it('an address must fit its channel', () => {
    expect(communicationProblems('email', 'a@b.org')).toEqual([]);
    expect(communicationProblems('email', 'a@b')[0].field).toBe('address');
    expect(communicationProblems('phone', '+1 (555) 010-0199')).toEqual([]);
    expect(communicationProblems('phone', 'evenings')[0].field).toBe('address');
    expect(communicationProblems('mail', 'PO Box 4411, Springfield 62704')).toEqual([]);
    expect(communicationProblems('mail', 'home')[0].field).toBe('address');
  });

  it('the individual\'s own copy goes to the alternative; a third party\'s never does (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...REQUESTER_TYPES), fc.option(fc.constantFrom('mail' as const, 'email' as const, 'phone' as const)),
      fc.option(fc.string({ maxLength: 30 })), fc.constantFrom('electronic' as const, 'paper' as const), (type, channel, address, format) => {
        const cc = channel ? { channel, address: 'PO Box 1, Town 1' } : null;
        const d = deliveryOf({ requesterType: type, requesterName: 'R', requesterAddress: address, format }, cc);
        expect(d.confidentialCommunication).toBe(type === 'self' && cc !== null);
        expect(d.address).toBe(d.confidentialCommunication ? 'PO Box 1, Town 1' : address);
        expect(d.citation === null).toBe(!d.confidentialCommunication);
      }));
    expect(individualNoticeDelivery(null)).toBeNull();
    expect(individualNoticeDelivery({ channel: 'email', address: 'a@b.org' })).toMatchObject({ address: 'a@b.org', citation: '45 CFR 164.522(b)' });
  });
});
