// `express4` is an npm alias of express@4 (dev only), typed with the installed express types,
// which cover what these tests call.
declare module "express4" {
  import express from "express";
  export default express;
}
