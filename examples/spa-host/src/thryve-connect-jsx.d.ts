// <thryve-connect> in React's JSX: its attributes (kebab-case strings, as in HTML), its `settings`
// property, and a ref to the element. React 19 sets names the element defines as properties, and
// others as attributes.
import type { HTMLAttributes, Key, Ref } from "react";
import type { ThryveConnectAttributes, ThryveConnectElement, ThryveConnectSettings } from "thryve-connect";

/** The props of <thryve-connect>: the screen's attributes, the usual HTML ones, `ref` and `key`. */
export type ThryveConnectProps = ThryveConnectAttributes &
  Omit<HTMLAttributes<ThryveConnectElement>, keyof ThryveConnectAttributes | "children"> & {
    /** The element, for listening to its events. */
    ref?: Ref<ThryveConnectElement>;
    /**
     * The element's `settings` property (React 19 sets a prop the element defines as a property,
     * before the element is inserted): functions such as `getSession`, and `headers`.
     */
    settings?: ThryveConnectSettings | null;
    key?: Key | null;
    /** The screen renders its own content. */
    children?: never;
  };

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "thryve-connect": ThryveConnectProps;
    }
  }
}
