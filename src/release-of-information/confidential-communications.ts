import type { FieldProblem } from '../common/errors';
import type { RequesterType } from './disclosure-basis';

/**
 * Confidential communications (45 CFR 164.522(b)), as pure rules. An individual may ask to receive communications of
 * PHI by alternative means or at an alternative location (another address, an email, a telephone number); a health
 * care provider must accommodate reasonable requests and may not require an explanation (164.522(b)(1)(i),
 * (b)(2)(ii)), so there is no reason field and no approval step: a reasonable request is recorded and used. What
 * makes it reasonable here: a channel this service can use and an address that fits it.
 *
 * It governs what goes to the individual: the copy of their own record, the denial and other notices of their
 * request, the fee notice and the accounting. A disclosure to a third party still goes to that third party.
 */

export const COMMUNICATION_CHANNELS = ['mail', 'email', 'phone'] as const;
export type CommunicationChannel = (typeof COMMUNICATION_CHANNELS)[number];
export const CONFIDENTIAL_COMMUNICATIONS_CITATION = '45 CFR 164.522(b)';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9][0-9 ()\-.]{6,19}$/;

/** 400 problems: the address must fit the channel (a reasonable, usable request). */
export function communicationProblems(channel: CommunicationChannel, address: string): FieldProblem[] {
  const a = address.trim();
  if (channel === 'email' && !EMAIL.test(a)) return [{ field: 'address', problems: ['must be an email address for channel email'] }];
  if (channel === 'phone' && !PHONE.test(a)) return [{ field: 'address', problems: ['must be a telephone number (7 to 20 digits, spaces, dashes, brackets) for channel phone'] }];
  if (channel === 'mail' && (a.length < 10 || !/\d/.test(a) || !/[a-z]/i.test(a))) {
    return [{ field: 'address', problems: ['must be a postal address (street or post office box, and town) for channel mail'] }];
  }
  return [];
}

export interface ConfidentialCommunication {
  channel: CommunicationChannel;
  address: string;
}

export interface Delivery {
  to: string;
  channel: CommunicationChannel | 'electronic' | 'paper';
  address: string | null;
  /** Sent by the individual's alternative means or location (164.522(b)). */
  confidentialCommunication: boolean;
  citation: string | null;
}

/**
 * Where the copy and the notices of a request go: to the individual's alternative means or location when it is their
 * own request and they asked for one; otherwise to the requester as the request names them.
 */
export function deliveryOf(
  request: { requesterType: RequesterType; requesterName: string; requesterAddress: string | null; format: 'electronic' | 'paper' },
  cc: ConfidentialCommunication | null,
): Delivery {
  if (request.requesterType === 'self' && cc) {
    return { to: request.requesterName, channel: cc.channel, address: cc.address, confidentialCommunication: true, citation: CONFIDENTIAL_COMMUNICATIONS_CITATION };
  }
  return { to: request.requesterName, channel: request.format, address: request.requesterAddress, confidentialCommunication: false, citation: null };
}

/** Where notices to the individual about their accounting go (the fee notice, the accounting itself). */
export function individualNoticeDelivery(cc: ConfidentialCommunication | null): Delivery | null {
  return cc ? { to: 'the individual', channel: cc.channel, address: cc.address, confidentialCommunication: true, citation: CONFIDENTIAL_COMMUNICATIONS_CITATION } : null;
}
