using System.Runtime.InteropServices;

namespace ShadowAgent.Agent.Actuation;

/// <summary>
/// The few libvirt C API calls VM resizing needs, bound with source-generated marshalling (no runtime stubs, so
/// native AOT keeps them). libvirt.so.0 is loaded on first use only, so hosts without libvirt never need it.
/// </summary>
internal static partial class LibvirtNative
{
    private const string Lib = "libvirt.so.0";

    /// <summary>virDomainModificationImpact: the running domain.</summary>
    public const uint AffectLive = 1;

    /// <summary>virDomainVcpuFlags: the maximum rather than the current count.</summary>
    public const uint VcpuMaximum = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct DomainInfo
    {
        public byte State;
        public nuint MaxMemKiB;
        public nuint MemoryKiB;
        public ushort NrVirtCpu;
        public ulong CpuTimeNs;
    }

    [LibraryImport(Lib, EntryPoint = "virConnectOpen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ConnectOpen(string name);

    [LibraryImport(Lib, EntryPoint = "virConnectClose")]
    public static partial int ConnectClose(nint connection);

    [LibraryImport(Lib, EntryPoint = "virDomainLookupByName", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint DomainLookupByName(nint connection, string name);

    [LibraryImport(Lib, EntryPoint = "virDomainFree")]
    public static partial int DomainFree(nint domain);

    [LibraryImport(Lib, EntryPoint = "virDomainGetInfo")]
    public static partial int DomainGetInfo(nint domain, out DomainInfo info);

    [LibraryImport(Lib, EntryPoint = "virDomainGetMaxMemory")]
    public static partial nuint DomainGetMaxMemory(nint domain);

    [LibraryImport(Lib, EntryPoint = "virDomainGetVcpusFlags")]
    public static partial int DomainGetVcpusFlags(nint domain, uint flags);

    [LibraryImport(Lib, EntryPoint = "virDomainSetVcpusFlags")]
    public static partial int DomainSetVcpusFlags(nint domain, uint vcpus, uint flags);

    [LibraryImport(Lib, EntryPoint = "virDomainSetMemoryFlags")]
    public static partial int DomainSetMemoryFlags(nint domain, nuint memoryKiB, uint flags);

    [LibraryImport(Lib, EntryPoint = "virGetLastErrorMessage")]
    private static partial nint GetLastErrorMessagePtr();

    /// <summary>The thread's last libvirt error ("unknown error" when none); libvirt owns the string.</summary>
    public static string LastError() => Marshal.PtrToStringUTF8(GetLastErrorMessagePtr()) ?? "unknown error";
}
