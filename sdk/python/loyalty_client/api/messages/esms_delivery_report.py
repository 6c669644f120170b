from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.report_out import ReportOut
from typing import cast



def _get_kwargs(
    *,
    request_id: str,
    smsid: str,
    send_status: str,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["RequestId"] = request_id

    params["SMSID"] = smsid

    params["SendStatus"] = send_status


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/messages/callbacks/esms",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ReportOut | None:
    if response.status_code == 200:
        response_200 = ReportOut.from_dict(response.json())



        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ReportOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    request_id: str,
    smsid: str,
    send_status: str,

) -> Response[Problem | ReportOut]:
    """ Esms Delivery Report

     Take eSMS's delivery report (its CallbackUrl, an HTTP GET): delivered, or rejected by the network.

    Args:
        request_id (str):
        smsid (str):
        send_status (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReportOut]
     """


    kwargs = _get_kwargs(
        request_id=request_id,
smsid=smsid,
send_status=send_status,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    request_id: str,
    smsid: str,
    send_status: str,

) -> Problem | ReportOut | None:
    """ Esms Delivery Report

     Take eSMS's delivery report (its CallbackUrl, an HTTP GET): delivered, or rejected by the network.

    Args:
        request_id (str):
        smsid (str):
        send_status (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReportOut
     """


    return sync_detailed(
        client=client,
request_id=request_id,
smsid=smsid,
send_status=send_status,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    request_id: str,
    smsid: str,
    send_status: str,

) -> Response[Problem | ReportOut]:
    """ Esms Delivery Report

     Take eSMS's delivery report (its CallbackUrl, an HTTP GET): delivered, or rejected by the network.

    Args:
        request_id (str):
        smsid (str):
        send_status (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReportOut]
     """


    kwargs = _get_kwargs(
        request_id=request_id,
smsid=smsid,
send_status=send_status,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    request_id: str,
    smsid: str,
    send_status: str,

) -> Problem | ReportOut | None:
    """ Esms Delivery Report

     Take eSMS's delivery report (its CallbackUrl, an HTTP GET): delivered, or rejected by the network.

    Args:
        request_id (str):
        smsid (str):
        send_status (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReportOut
     """


    return (await asyncio_detailed(
        client=client,
request_id=request_id,
smsid=smsid,
send_status=send_status,

    )).parsed
