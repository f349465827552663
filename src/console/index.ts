/** What the console module offers the rest of the app (docs/architecture.md, section 1). */
export * from './content-security';
export * from './console-assets';
