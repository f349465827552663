/** What the release-of-information module offers the others (docs/architecture.md, section 1); the rest is its own. */
export * from './confidential-communications.repository';
export * from './disclosures.service';
export * from './dto/accounting.dto';
export * from './roi-state-machine';
