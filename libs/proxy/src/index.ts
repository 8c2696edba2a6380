export * from './proxy.module';
export * from './config/proxy.config';
export { MediaFetchAllowlist, isPublicAddress } from './fetch-allowlist';
export { MediaUrls, singleImageCount, GRID_ACTIONS, MAX_UPLOAD_IMAGES, type MediaLinks, type MediaSubject } from './media-urls.service';
export { MediaSignature } from './media-signature';
