/**
 * zod with `.openapi()`: every module that declares a schema for the API imports `z` from here, so
 * the extension is in place whatever module is loaded first (a benchmark importing only the search).
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
